// Its own module so that the CLI's entry can print it without loading the options (and all they import) before it
// starts its first parse worker.

/** The package version, kept in one place for the User-Agent. */
export const VERSION = '0.1.0';
