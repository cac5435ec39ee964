import type { Label } from './descriptor.js';

/**
 * The names people read for the fields of the records' commands, by field path, shared by every
 * record type (a unit is 房号 on a complaint and on a visit alike). A form for any action is
 * built from its payload's schema and these names; a field without one is shown by its path.
 */
export const fieldLabels: Readonly<Record<string, Label>> = {
  propertyId: { zh: '项目', en: 'Property' },
  unit: { zh: '房号', en: 'Unit' },
  // A repair is at a unit or a common area: the desk reads 房号 first, as on every other form.
  location: { zh: '房号 / 位置', en: 'Unit or location' },
  category: { zh: '类别', en: 'Category' },
  description: { zh: '描述', en: 'Description' },
  channel: { zh: '来源', en: 'Channel' },
  'owner.name': { zh: '业主姓名', en: "Owner's name" },
  'owner.phone': { zh: '联系电话', en: 'Phone' },
  'visitor.name': { zh: '来访人姓名', en: "Visitor's name" },
  'visitor.phone': { zh: '联系电话', en: 'Phone' },
  complexity: { zh: '复杂度', en: 'Complexity' },
  department: { zh: '部门', en: 'Department' },
  technicianId: { zh: '维修人员', en: 'Technician' },
  resolution: { zh: '处理结果', en: 'Resolution' },
  workDone: { zh: '维修内容', en: 'Work done' },
  reason: { zh: '原因', en: 'Reason' },
  note: { zh: '备注', en: 'Note' },
  satisfaction: { zh: '满意度', en: 'Satisfaction' },
  number: { zh: '工单号', en: 'Work-order number' },
  withoutCallback: { zh: '未经回访关闭', en: 'Closed without callback' },
  accepted: { zh: '验收通过', en: 'Accepted' },
  answer: { zh: '答复', en: 'Answer' },
  title: { zh: '活动名称', en: 'Title' },
  heldOn: { zh: '举办日期', en: 'Held on' },
  participants: { zh: '参与户数', en: 'Participating households' },
  period: { zh: '账期', en: 'Billing month' },
  amountFen: { zh: '金额', en: 'Amount' },
  dueDate: { zh: '缴费截止日', en: 'Due date' },
  method: { zh: '付款方式', en: 'Method' },
  receipt: { zh: '收据号', en: 'Receipt' },
  correct: { zh: '档案正确', en: 'Record correct' },
  wrongFields: { zh: '有误的字段', en: 'Fields found wrong' },
  procedure: { zh: '规程', en: 'Procedure' },
  passed: { zh: '合格', en: 'Passed' },
  findings: { zh: '发现的问题', en: 'Findings' },
  clock: { zh: '时限', en: 'Clock' },
  policyId: { zh: '规则', en: 'Policy' },
  deadline: { zh: '截止时间', en: 'Deadline' },
  from: { zh: '原分类', en: 'From' },
  to: { zh: '新分类', en: 'To' },
  comment: { zh: '业主意见', en: "Owner's comment" },
};
