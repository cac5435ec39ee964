/** The search thread (reader-thread.ts): the read models' searches, queues and dashboard figures on a read-only connection of its own. */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { dashboardFigures } from '../dashboard-queries.js';
import { listCases } from './case-list.js';
import { queueCounts } from './queues.js';
import { yieldCpuByThread } from '../thread/priority.js';
import type { ReaderAnswer, ReaderCall } from './reader-thread.js';

const port = parentPort!;
const { file, yieldSteps } = workerData as { file: string; yieldSteps: number };
// Below the request thread (SEARCH_THREAD_NICE): a board's figures and a search wait a little when the
// cores are short, rather than intake.
yieldCpuByThread(yieldSteps);
// Opened on first use: the projection thread may not have created the file yet when the server starts.
let db: Database.Database | undefined;
const connection = () => {
  if (!db) {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
  }
  return db;
};

const answer = (call: ReaderCall) => {
  switch (call.op) {
    case 'listCases':
      return listCases(connection(), call.query);
    case 'queueCounts':
      return queueCounts(connection(), call.propertyId, call.at);
    case 'dashboardFigures':
      return dashboardFigures(connection(), call.q);
  }
};

port.on('message', (message: { readonly id: number } & ReaderCall) => {
  let reply: ReaderAnswer;
  try {
    reply = { id: message.id, ok: true, value: answer(message) };
  } catch (error) {
    reply = { id: message.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
