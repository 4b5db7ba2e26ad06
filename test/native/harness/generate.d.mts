export declare function generate(outDir: string, nativeDir?: string): { strings: number; numbers: number; functions: number };
