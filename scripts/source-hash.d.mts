export declare function sourceHash(): string;
export declare const SOURCE_HASH_FILE: string;
