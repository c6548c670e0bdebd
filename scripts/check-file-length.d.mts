/** Types for scripts/check-file-length.mjs (plain JavaScript, run before the build). */
export declare const LIMIT: number;
export declare const DIRS: readonly string[];
export declare const REASON: string;
export declare function countLines(text: string): number;
export declare function leadingComment(text: string): string[] | null;
export declare function reasonOf(text: string): string | null;
export declare function sourceFiles(root: string): string[];
export type LongFile = { file: string; lines: number; reason: string | null };
export type Result = { checked: number; long: LongFile[]; offenders: LongFile[] };
export declare function checkFileLength(opts: { root: string; files?: readonly string[] }): Result;
export declare function describe(result: Result): { ok: boolean; text: string };
export declare function main(
  argv: readonly string[],
  io?: { stdout?: { write(s: string): unknown }; stderr?: { write(s: string): unknown } },
): number;
