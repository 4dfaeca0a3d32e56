// Runs only when the addon did not load: the native projects report skipped, with the reason.
import { it } from 'vitest';

it.skip(`native backend unavailable: ${process.env.TAPEFLOW_NATIVE_ERROR ?? 'unknown reason'}`, () => {});
