export declare const PUBLIC_GROUPS: readonly string[];
export declare function render(spec: unknown): { constants: string; tables: string };
export declare function renderErrors(errors: unknown): string;
export declare function renderSchema(classes: unknown, spec: unknown): string;
export declare const specDir: string;
