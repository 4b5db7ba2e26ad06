export interface HarnessBuildResult {
  dir: string;
  addon: string;
  control: string;
  preload: string;
}
export declare const buildDir: string;
export declare function missingToolchain(): string | null;
export declare function asanRuntime(): string;
export declare function build(options?: { quiet?: boolean }): Promise<HarnessBuildResult>;
