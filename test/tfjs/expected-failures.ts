/**
 * The TF.js op-test cases that fail on tapeflow/tfjs, each with its reason (test/tfjs/run.ts
 * fails on any failure not listed here and on any listed case that passes). An entry matches
 * case names ("suite > case") by regular expression, optionally in one file.
 */
export interface ExpectedFailure { file?: string; match: RegExp; reason: string }

export const EXPECTED_FAILURES: ExpectedFailure[] = [];
