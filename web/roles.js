// What each staff role sees: the view it lands on and the views in its navigation. A role is given
// only views whose routes it may read: the board and today follow GET /v1/dashboard/stream
// (manager, dispatcher, auditor, admin), the agreement reads the compliance report (manager,
// auditor, admin); find and the record page read /v1/cases (every staff role); the historical import
// posts to /v1/admin/import (admin).

/** The roles GET /v1/dashboard/stream admits: the shell opens the stream for these only. */
const streamRoles = ['manager', 'dispatcher', 'auditor', 'admin'];
export const readsDashboard = (role) => streamRoles.includes(role);

/** The view each role lands on; a view id may carry a part (register/payment: the payment form). */
export const startViews = {
  frontdesk: 'register',
  dispatcher: 'queues',
  technician: 'jobs',
  finance: 'register/payment',
  inspector: 'find',
  manager: 'board',
  auditor: 'agreement',
  admin: 'board',
};

/** The navigation of each role, its start view first. */
export const navigation = {
  frontdesk: ['register', 'queues', 'find', 'case'],
  dispatcher: ['queues', 'board', 'today', 'register', 'find', 'case'],
  technician: ['jobs', 'find', 'case'],
  finance: ['register', 'find', 'case'],
  inspector: ['find', 'case'],
  manager: ['board', 'today', 'agreement', 'find', 'case'],
  auditor: ['agreement', 'board', 'today', 'find', 'case'],
  admin: ['board', 'today', 'agreement', 'queues', 'register', 'find', 'case', 'import'],
};

export const startView = (role) => startViews[role] ?? 'find';
export const viewsOf = (role) => navigation[role] ?? ['find', 'case'];
/**
 * Whether a role may open a view. The record page and its printed work order are open to every
 * role: their route reads with readRoles.
 */
export const mayOpen = (role, view) => view === 'case' || view === 'print' || viewsOf(role).includes(view);
