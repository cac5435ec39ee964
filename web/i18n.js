// Labels in Chinese (default) and English. The choice is remembered in localStorage.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

const LANG_KEY = 'dashboard.lang';

export const storedLang = () => {
  try {
    return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
};

export const storeLang = (lang) => {
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    // storage refused (private mode): the choice lasts for this page only
  }
};

const zh = {
  title: '客服部实时看板',
  skip: '跳到主要内容',
  'nav.board': 'SLA 看板',
  'nav.today': '今日',
  'nav.agreement': '目标责任书',
  'nav.case': '工单',
  'nav.label': '视图',
  language: 'English',
  'language.label': '切换到英文界面',
  signOut: '退出',
  'signIn.title': '登录',
  'signIn.intro': '请输入访问令牌（客服部经理、客服主管、质检或管理员）。令牌只保存在本标签页中。',
  'signIn.token': '访问令牌',
  'signIn.submit': '登录',
  'signIn.busy': '正在验证…',
  'signIn.invalid': '令牌无效或已吊销。',
  'signIn.forbidden': '此角色不能使用看板（需要经理、主管、质检或管理员）。',
  'signIn.expired': '登录已失效，请重新登录。',
  'signIn.failed': '无法连接服务器：{message}',
  loading: '正在加载…',
  property: '项目',
  building: '楼栋',
  category: '类别',
  department: '部门',
  technician: '维修人员',
  all: '全部',
  clearFilters: '清除筛选',
  filters: '筛选',
  'status.connecting': '正在连接…',
  'status.live': '实时',
  'status.behind': '数据落后 {seconds} 秒（{events} 条事件待处理）',
  'status.disconnected': '连接中断，{seconds} 秒后重连',
  'status.reconnecting': '正在重连…',
  'status.problem': '服务器暂时无法提供看板：{detail}',
  'status.projectionError': '投影出错：{error}',
  asOf: '数据时间',
  complaints: '投诉',
  repairs: '报修',
  openComplaints: '未结投诉',
  openRepairs: '未结报修',
  atRisk: '有风险',
  missed: '超时',
  openByState: '未结工单（按状态）',
  state: '状态',
  count: '数量',
  total: '合计',
  none: '无',
  atRiskList: '有风险的时限（按截止时间）',
  missedList: '已超时的时限（按截止时间）',
  status: '状态',
  case: '工单',
  clock: '时限',
  place: '位置',
  assignee: '负责',
  deadline: '截止时间',
  remaining: '剩余时间',
  overdueBy: '已超时 {time}',
  showMore: '显示更多（还有 {count} 条）',
  showing: '显示 {shown} / {total} 条',
  narrow: '列表最多 1000 条，请用筛选缩小范围。',
  caseType: '类型',
  'today.title': '今日受理（{date}）',
  'today.byChannel': '按渠道',
  'today.byCategory': '按类别',
  channel: '渠道',
  'today.load': '当前负荷（未结工单）',
  'today.departments': '各部门',
  'today.technicians': '各维修人员',
  'today.unassigned': '未分派',
  open: '未结',
  'agreement.title': '本月目标完成情况',
  'agreement.period': '月份',
  'agreement.kpi': '指标',
  'agreement.target': '目标',
  'agreement.value': '实际',
  'agreement.ratio': '分子 / 分母',
  'agreement.pending': '待定',
  'agreement.result': '结果',
  'agreement.met': '达标',
  'agreement.notMet': '未达标',
  'agreement.noData': '无数据',
  'agreement.failing': '未达标的记录',
  'agreement.perMonth': '每月 ≥ {count} 次 · {share} 的月份',
  'agreement.meta': '责任书 {agreement}（版本 {version}）· 规则集 {ruleset} · 计算时间 {asOf}',
  'agreement.forbidden': '您的角色不能查看目标考核报告。',
  'case.lookup': '打开工单',
  'case.id': '工单编号',
  'case.open': '打开',
  'case.notFound': '找不到工单 {id}。',
  'case.details': '工单信息',
  'case.revision': '版本',
  'case.allowed': '可执行的下一步',
  'case.noActions': '无（已结束）',
  'case.clocks': 'SLA 时限',
  'case.started': '开始',
  'case.stopped': '停止',
  'case.paused': '暂停记录',
  'case.explanation': '计算说明',
  'case.timeline': '时间线',
  'case.event': '事件',
  'case.who': '操作人',
  'case.recorded': '录入时间',
  'case.claimed': '发生时间（申报）',
  'case.backdated': '补录 {minutes} 分钟',
  'case.imported': '历史导入',
  'case.stateAfter': '之后状态',
  'case.data': '内容',
  'case.unit': '房号 / 位置',
  'case.description': '描述',
  'case.complexity': '复杂度',
  'case.received': '受理时间',
  'case.recordedAt': '登记时间',
  'case.period': '账期',
  'case.billed': '应收',
  'case.collected': '已收',
  'case.waived': '减免',
  'case.owed': '欠费',
  'case.dueDate': '缴费截止日',
  'case.title': '活动',
  'case.heldOn': '举办日期',
  'case.participants': '参与户数',
  'case.result': '结果',
  'case.wrongFields': '有误的字段',
  'case.procedure': '规程',
  'case.findings': '发现的问题',
  'case.policy': '规则 {policy}：{duration}',
  'case.consumed': '已用 {share}',
  'duration.elapsed': '{minutes} 分钟（自然时间）',
  'duration.working_days': '{days} 个工作日',
  'duration.business_hours': '{minutes} 分钟（工作时间内）',
  'error.generic': '出错了：{message}',
  retry: '重试',
  unit: { d: '天', h: '小时', m: '分', s: '秒' },
};

const en = {
  title: 'Customer service live dashboard',
  skip: 'Skip to content',
  'nav.board': 'SLA board',
  'nav.today': 'Today',
  'nav.agreement': 'Agreement',
  'nav.case': 'Case',
  'nav.label': 'Views',
  language: '中文',
  'language.label': 'Switch to Chinese',
  signOut: 'Sign out',
  'signIn.title': 'Sign in',
  'signIn.intro': 'Enter your access token (manager, dispatcher, auditor or admin). It is kept in this tab only.',
  'signIn.token': 'Access token',
  'signIn.submit': 'Sign in',
  'signIn.busy': 'Checking…',
  'signIn.invalid': 'The token is not valid or has been revoked.',
  'signIn.forbidden': 'This role cannot use the dashboard (manager, dispatcher, auditor or admin).',
  'signIn.expired': 'Your sign-in has expired; please sign in again.',
  'signIn.failed': 'Cannot reach the server: {message}',
  loading: 'Loading…',
  property: 'Property',
  building: 'Building',
  category: 'Category',
  department: 'Department',
  technician: 'Technician',
  all: 'All',
  clearFilters: 'Clear filters',
  filters: 'Filters',
  'status.connecting': 'Connecting…',
  'status.live': 'Live',
  'status.behind': 'Behind by {seconds} s ({events} events to apply)',
  'status.disconnected': 'Disconnected; reconnecting in {seconds} s',
  'status.reconnecting': 'Reconnecting…',
  'status.problem': 'The server cannot give the dashboard now: {detail}',
  'status.projectionError': 'Projection error: {error}',
  asOf: 'As of',
  complaints: 'Complaints',
  repairs: 'Repairs',
  openComplaints: 'Open complaints',
  openRepairs: 'Open repairs',
  atRisk: 'At risk',
  missed: 'Missed',
  openByState: 'Open cases by state',
  state: 'State',
  count: 'Count',
  total: 'Total',
  none: 'None',
  atRiskList: 'Clocks at risk (by deadline)',
  missedList: 'Missed clocks (by deadline)',
  status: 'Status',
  case: 'Case',
  clock: 'Clock',
  place: 'Place',
  assignee: 'Assigned to',
  deadline: 'Deadline',
  remaining: 'Time left',
  overdueBy: 'overdue {time}',
  showMore: 'Show more ({count} left)',
  showing: 'Showing {shown} of {total}',
  narrow: 'Lists stop at 1,000; narrow them with the filters.',
  caseType: 'Type',
  'today.title': 'Received today ({date})',
  'today.byChannel': 'By channel',
  'today.byCategory': 'By category',
  channel: 'Channel',
  'today.load': 'Current load (open cases)',
  'today.departments': 'Departments',
  'today.technicians': 'Technicians',
  'today.unassigned': 'Unassigned',
  open: 'Open',
  'agreement.title': 'Agreement KPIs this month',
  'agreement.period': 'Month',
  'agreement.kpi': 'KPI',
  'agreement.target': 'Target',
  'agreement.value': 'Value',
  'agreement.ratio': 'Numerator / denominator',
  'agreement.pending': 'Pending',
  'agreement.result': 'Result',
  'agreement.met': 'Met',
  'agreement.notMet': 'Not met',
  'agreement.noData': 'No data',
  'agreement.failing': 'Failing records',
  'agreement.perMonth': '≥ {count} a month · {share} of months',
  'agreement.meta': 'Agreement {agreement} (version {version}) · ruleset {ruleset} · computed {asOf}',
  'agreement.forbidden': 'Your role may not read the agreement report.',
  'case.lookup': 'Open a case',
  'case.id': 'Case id',
  'case.open': 'Open',
  'case.notFound': 'No case {id}.',
  'case.details': 'Case',
  'case.revision': 'Revision',
  'case.allowed': 'Allowed next actions',
  'case.noActions': 'None (it has ended)',
  'case.clocks': 'SLA clocks',
  'case.started': 'Started',
  'case.stopped': 'Stopped',
  'case.paused': 'Pauses',
  'case.explanation': 'How it was computed',
  'case.timeline': 'Timeline',
  'case.event': 'Event',
  'case.who': 'Who',
  'case.recorded': 'Recorded',
  'case.claimed': 'Claimed time',
  'case.backdated': 'back-dated {minutes} min',
  'case.imported': 'imported',
  'case.stateAfter': 'State after',
  'case.data': 'Details',
  'case.unit': 'Unit / location',
  'case.description': 'Description',
  'case.complexity': 'Complexity',
  'case.received': 'Received',
  'case.recordedAt': 'Recorded',
  'case.period': 'Billing month',
  'case.billed': 'Billed',
  'case.collected': 'Collected',
  'case.waived': 'Waived',
  'case.owed': 'Owed',
  'case.dueDate': 'Due date',
  'case.title': 'Activity',
  'case.heldOn': 'Held on',
  'case.participants': 'Participating households',
  'case.result': 'Result',
  'case.wrongFields': 'Fields found wrong',
  'case.procedure': 'Procedure',
  'case.findings': 'Findings',
  'case.policy': 'Policy {policy}: {duration}',
  'case.consumed': '{share} used',
  'duration.elapsed': '{minutes} min elapsed',
  'duration.working_days': '{days} working days',
  'duration.business_hours': '{minutes} min of business hours',
  'error.generic': 'Something went wrong: {message}',
  retry: 'Retry',
  unit: { d: 'd', h: 'h', m: 'm', s: 's' },
};

/**
 * Names of the engine's ids: clocks, statuses, channels, KPIs and what they count, roles. The record
 * types, their states, events, actions and fields are named by the server (`/dashboard/session`'s
 * `records` and `fields`).
 */
const names = {
  zh: {
    clock: { response: '响应', resolution: '解决', completion: '完工', callback: '回访' },
    clockStatus: {
      not_started: '未开始',
      running: '计时中',
      paused: '暂停',
      at_risk: '有风险',
      met: '达标',
      missed: '超时',
      ended: '已结束',
      undetermined: '无法确定',
    },
    channel: { phone: '电话', walk_in: '来访', app: 'App', wechat: '微信', other: '其他' },
    kpi: {
      'complaint.timely_handling': '投诉处理及时率（2 小时内开始处理）',
      'complaint.resolution_rate': '投诉解决率',
      'complaint.resolution_timely': '投诉按时解决率（3 个工作日内）',
      'repair.response_timely': '维修响应及时率（30 分钟）',
      'repair.completion_timely': '维修按时完工率（一般 24 h / 复杂 72 h）',
      'callback.rate': '回访率',
      'satisfaction.rate': '业主满意度',
      'visit.reception_rate': '来访接待率',
      'fee.collection_rate': '物业费收缴率（按金额）',
      'activity.count': '社区活动（每月）',
      'activity.participation': '活动参与率（按户数）',
      'archive.accuracy': '业户档案准确率',
      'inspection.pass_rate': '规程抽检合格率',
    },
    measure: { cases: '件', ratings: '次评价', fen: '', households: '户', months: '个月', checks: '次' },
    measureOne: { cases: '件', ratings: '次评价', fen: '', households: '户', months: '个月', checks: '次' },
    role: {
      frontdesk: '客服前台',
      dispatcher: '客服主管',
      technician: '维修人员',
      finance: '财务',
      inspector: '规程抽检员',
      manager: '客服部经理',
      auditor: '质检',
      admin: '管理员',
      system: '系统',
    },
    complexity: { general: '一般', complex: '复杂' },
    paymentMethod: { cash: '现金', card: '银行卡', transfer: '转账', wechat: '微信支付', alipay: '支付宝', other: '其他' },
    satisfaction: { very_satisfied: '非常满意', satisfied: '满意', neutral: '一般', dissatisfied: '不满意' },
    pauseReason: { awaiting_parts: '等待配件', owner_absent: '业主不在家', owner_quote: '等待业主确认报价' },
    yesNo: { true: '是', false: '否' },
  },
  en: {
    clock: { response: 'Response', resolution: 'Resolution', completion: 'Completion', callback: 'Callback' },
    clockStatus: {
      not_started: 'Not started',
      running: 'Running',
      paused: 'Paused',
      at_risk: 'At risk',
      met: 'Met',
      missed: 'Missed',
      ended: 'Ended',
      undetermined: 'Undetermined',
    },
    channel: { phone: 'Phone', walk_in: 'Walk-in', app: 'App', wechat: 'WeChat', other: 'Other' },
    kpi: {
      'complaint.timely_handling': 'Complaint timely handling (started within 2 h)',
      'complaint.resolution_rate': 'Complaint resolution rate',
      'complaint.resolution_timely': 'Complaints resolved in time (3 working days)',
      'repair.response_timely': 'Repair response in time (30 min)',
      'repair.completion_timely': 'Repairs completed in time (general 24 h / complex 72 h)',
      'callback.rate': 'Callback rate',
      'satisfaction.rate': 'Owner satisfaction',
      'visit.reception_rate': 'Visit reception rate',
      'fee.collection_rate': 'Fee collection rate (by amount)',
      'activity.count': 'Community activities per month',
      'activity.participation': 'Activity participation (households)',
      'archive.accuracy': 'Owner-archive accuracy',
      'inspection.pass_rate': 'Procedure spot-check pass rate',
    },
    measure: { cases: 'cases', ratings: 'ratings', fen: '', households: 'households', months: 'months', checks: 'checks' },
    measureOne: { cases: 'case', ratings: 'rating', fen: '', households: 'household', months: 'month', checks: 'check' },
    role: {
      frontdesk: 'Front desk',
      dispatcher: 'Dispatcher',
      technician: 'Technician',
      finance: 'Finance',
      inspector: 'Inspector',
      manager: 'Manager',
      auditor: 'Auditor',
      admin: 'Administrator',
      system: 'System',
    },
    complexity: { general: 'General', complex: 'Complex' },
    paymentMethod: { cash: 'Cash', card: 'Card', transfer: 'Bank transfer', wechat: 'WeChat Pay', alipay: 'Alipay', other: 'Other' },
    satisfaction: { very_satisfied: 'Very satisfied', satisfied: 'Satisfied', neutral: 'Neutral', dissatisfied: 'Dissatisfied' },
    pauseReason: { awaiting_parts: 'Waiting for parts', owner_absent: 'Owner not at home', owner_quote: 'Owner-paid quote pending' },
    yesNo: { true: 'Yes', false: 'No' },
  },
};

const messages = { zh, en };

const monthsEn = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The translator for a language: `t(key, params)` fills `{name}` placeholders; `name(group, id)`
 * names an engine id (falling back to the id itself); `category`/`department` use the ruleset's names;
 * `month('2026-09')` names a month ("2026年9月", "Sep 2026").
 */
/** The names the server gives each record type, its states, events and actions, and the records' fields, by group. */
const recordNames = (records, fields, lang) => {
  const groups = { caseType: {}, state: {}, event: {}, action: {}, field: {} };
  for (const [name, label] of Object.entries(fields ?? {})) groups.field[name] = label[lang];
  for (const record of records ?? []) {
    groups.caseType[record.type] = record.label[lang];
    for (const state of record.states) groups.state[state.id] ??= state.label[lang];
    for (const event of record.events) groups.event[event.type] ??= event.label[lang];
    for (const action of record.actions) groups.action[action.name] ??= action.label[lang];
  }
  return groups;
};

export const translator = (lang, categories, records, fields) => {
  const fromServer = recordNames(records, fields, lang);
  const dict = messages[lang];
  const t = (key, params = {}) => {
    const text = dict[key] ?? messages.zh[key] ?? key;
    return typeof text === 'string' ? text.replace(/\{(\w+)\}/g, (_, p) => String(params[p] ?? '')) : text;
  };
  const name = (group, id) => (id === null || id === undefined ? '—' : (fromServer[group]?.[id] ?? names[lang][group]?.[id] ?? id));
  const named = (list, id) => {
    if (id === null || id === undefined) return '—';
    const found = list?.find((c) => c.id === id);
    return found ? found[lang] : id;
  };
  return {
    lang,
    t,
    name,
    /** The record types as the server describes them. */
    records: records ?? [],
    /** A record type's collection in the API. */
    segment: (type) => records?.find((r) => r.type === type)?.segment,
    category: (caseType, id) => named(categories?.[caseType], id),
    department: (id) => named(categories?.departments, id),
    month: (id) => {
      const [year, month] = id.split('-');
      return lang === 'zh' ? `${year}年${Number(month)}月` : `${monthsEn[Number(month) - 1] ?? month} ${year}`;
    },
  };
};

export const I18n = createContext(translator('zh', null, null, null));
export const useI18n = () => useContext(I18n);
