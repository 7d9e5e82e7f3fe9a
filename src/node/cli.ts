// CLI entry (filled in by the CLI work).
export {};
