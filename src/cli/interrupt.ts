/**
 * Ctrl-C for long runs. The first SIGINT (or SIGTERM, as `scancel` and job schedulers send)
 * aborts the returned signal: the run stops after its current slice of events and writes what it
 * measured with `complete: false`; the command then exits with 128 + the signal number (130 for
 * SIGINT, 143 for SIGTERM), the shell convention. A second signal exits at once.
 */

/** Exit code of a run stopped by SIGINT (128 + 2). */
export const EXIT_INTERRUPTED = 130;

const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;
type HandledSignal = keyof typeof SIGNAL_NUMBERS;

/** Thrown by a command whose run was interrupted after writing its partial results. */
export class InterruptedError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_INTERRUPTED,
  ) {
    super(message);
    this.name = 'InterruptedError';
  }
}

/** A handler installed for the duration of one command. */
export interface Interruption {
  readonly signal: AbortSignal;
  /** The signal received, or null. */
  readonly received: HandledSignal | null;
  /** The exit code for the signal received (130 when none). */
  readonly exitCode: number;
  /** Removes the handlers. */
  dispose(): void;
}

/**
 * Installs SIGINT and SIGTERM handlers that abort the returned signal (and tell the user via
 * `notify`); a second signal exits the process at once with 128 + its number.
 */
export function handleInterrupts(notify: (text: string) => void): Interruption {
  const controller = new AbortController();
  let received: HandledSignal | null = null;
  const handlers = new Map<HandledSignal, () => void>();
  for (const sig of Object.keys(SIGNAL_NUMBERS) as HandledSignal[]) {
    const handler = () => {
      if (received !== null) process.exit(128 + SIGNAL_NUMBERS[sig]);
      received = sig;
      notify(`\nfabricsim: ${sig === 'SIGINT' ? 'interrupted' : 'terminated'}; stopping after the current slice of events and writing partial results (${sig === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to quit at once)\n`);
      controller.abort();
    };
    handlers.set(sig, handler);
    process.on(sig, handler);
  }
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    get exitCode() {
      return received === null ? EXIT_INTERRUPTED : 128 + SIGNAL_NUMBERS[received];
    },
    dispose() {
      for (const [sig, h] of handlers) process.off(sig, h);
    },
  };
}
