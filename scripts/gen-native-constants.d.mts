export declare const NOT_READABLE: Readonly<Record<string, string>>;
export declare const MACOS_14: ReadonlySet<string>;
export declare function exportedConstants(spec: unknown): Array<[string, string | number]>;
export declare function renderNative(spec: unknown): string;
