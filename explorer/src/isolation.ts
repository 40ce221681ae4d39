import { canShare } from '../../src/core/columns.ts';

/**
 * Whether this page (or worker) may run the engine on several threads: they share the world through
 * SharedArrayBuffers, which browsers give only to cross-origin isolated pages (the server's COOP and
 * COEP headers).
 */
export const canThread = canShare && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
