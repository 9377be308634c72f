/** Why one field of an input breaks a rule; `path` is dotted from the input's root. */
export type FieldProblem = { path: string; message: string };

/** An input read against its rules: the value it stands for, or every problem found in it. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };
