/**
 * How far the server lets V8's heaps grow past what they hold alive.
 *
 * After each full collection V8 sets the next one's threshold at a multiple of the live size that
 * it picks itself, and under intake the heaps fill with short-lived garbage that survived the
 * young generation (case-cache and projection entries replaced a few seconds after they were
 * made): a threshold just above the live size collects it sooner, at little cost, since full
 * collections mark concurrently (figures in docs/performance.md, "Memory under intake").
 *
 * A growth factor rather than a ceiling (`--max-old-space-size`): a large audit or report still
 * gets the memory it needs instead of ending the process.
 */
import { setFlagsFromString } from 'node:v8';

const HEAP_GROWING_PERCENT = 10;

/**
 * Applies the policy to this process: every isolate's heap controller reads the flag at each full
 * collection, so it holds for the request thread and for threads started after it alike.
 */
export const applyHeapPolicy = (): void => setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
