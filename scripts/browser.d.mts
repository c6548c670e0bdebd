/** Types for scripts/browser.mjs (plain JavaScript, run before the build). */
export declare const NAMES: readonly string[];
export declare const FALLBACKS: readonly string[];
export declare const INSTALL: string;
export type Found =
  | { path: string; source: 'CHROMIUM' | 'PATH' | 'fallback' }
  | { path: null; reason: string };
export declare function which(name: string, env?: NodeJS.ProcessEnv): string | null;
export declare function findBrowser(opts?: { env?: NodeJS.ProcessEnv; fallbacks?: readonly string[] }): Found;
export type Plan =
  | { action: 'none'; path: string }
  | { action: 'install'; command: string; message: string }
  | { action: 'fail'; message: string };
export declare function plan(opts: { found: Found; isRoot: boolean; hasApt: boolean }): Plan;
