import { userInfo } from 'node:os';
import type { Actor } from '../domain/events/envelope.js';

/** The operator at the console: recorded as the actor of what the CLI changes (the directory, an import). */
export const operator = (): Actor => ({ id: `operator:${userInfo().username || 'unknown'}`.slice(0, 200), role: 'admin' });
