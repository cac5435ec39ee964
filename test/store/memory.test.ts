import { createMemoryEventStore } from '../../src/store/memory.js';
import { runConformance } from './conformance.js';

runConformance(
  'memory',
  async () => {
    const store = createMemoryEventStore();
    return { store, cleanup: () => store.close() };
  },
  { uniqueEventIds: true },
);
