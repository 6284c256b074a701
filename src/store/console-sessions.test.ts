import { MemoryConsoleSessions } from './console-sessions.js';
import { runConsoleSessionConformance } from './console-sessions-conformance.js';

runConsoleSessionConformance('MemoryConsoleSessions', async () => ({ sessions: new MemoryConsoleSessions(), close: async () => {} }));
