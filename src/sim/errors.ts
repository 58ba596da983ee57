/**
 * Typed errors. A {@link ConfigError} is a user's mistake in an input file or parameter: the CLI
 * prints its message alone and exits with code 2. Anything else is a bug in fabricsim.
 */

/** A problem with user input: names the file, the field, what was expected and what was found. */
export class ConfigError extends Error {
  /** Source file, when the input came from one. */
  readonly file: string | undefined;
  /** Dotted path of the offending field (`fabric.pfc.xoff_bytes`), or '' for the whole input. */
  readonly field: string;
  constructor(message: string, options: { file?: string; field?: string } = {}) {
    const where = [options.file, options.field].filter((s) => s !== undefined && s !== '').join(': ');
    super(where ? `${where}: ${message}` : message);
    this.name = 'ConfigError';
    this.file = options.file;
    this.field = options.field ?? '';
  }

  /** This error with `file` filled in when it has none (for errors raised below the file's reader). */
  inFile(file: string | undefined): ConfigError {
    if (file === undefined || this.file !== undefined) return this;
    const message = this.field ? this.message.slice(this.field.length + 2) : this.message;
    return new ConfigError(message, { file, field: this.field });
  }
}

/** The simulation reached a state the model forbids (a lossless drop, a deadlock, ...). */
export class SimulationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulationError';
  }
}
