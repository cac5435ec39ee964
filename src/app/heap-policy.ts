/**
 * How far the server lets V8's heaps grow past what they hold alive.
 *
 * After each full collection V8 sets the next one's threshold at a multiple of the live size, a
 * multiple it picks itself (up to 4×) on a machine with memory to spare. Under intake the heaps
 * fill with short-lived garbage that survived the young generation (case-cache and projection
 * entries replaced a few seconds after they were made), and the process grew to 400–500 MB with
 * some 50 MB alive in the request thread and 30 MB in the projection thread. With the threshold at
 * 110 % of the live size, full collections come more often; they mark concurrently and cost under
 * 1 % of a core at full intake (`npm run bench:http`), and the process stays at 230–270 MB.
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
