/** A configuration mistake: its message is one line naming the bad setting or file. */
export class ConfigError extends Error {}
