/** Command-line options of `npm run demo`. */
export interface DemoOptions {
  orders: number;
  faults: 'none' | 'light' | 'heavy';
  timeoutSeconds: number;
  quiet: boolean;
  /** After the run, edit ERP directly and show reconciliation finding and closing each edit. */
  drift: boolean;
}

export function parseDemoOptions(argv: string[]): DemoOptions {
  const options: DemoOptions = { orders: 20, faults: 'light', timeoutSeconds: 120, quiet: false, drift: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--orders') options.orders = positiveInt(arg, value());
    else if (arg === '--faults') {
      const v = value();
      if (v !== 'none' && v !== 'light' && v !== 'heavy') throw new Error('--faults must be none, light or heavy');
      options.faults = v;
    } else if (arg === '--timeout') options.timeoutSeconds = positiveInt(arg, value());
    else if (arg === '--quiet') options.quiet = true;
    else if (arg === '--drift') options.drift = true;
    else
      throw new Error(
        `unknown option ${arg}; options: --orders N, --faults none|light|heavy, --timeout SECONDS, --quiet, --drift`,
      );
  }
  return options;
}

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number above 0`);
  return n;
}
