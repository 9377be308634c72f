// The pages' one stylesheet, served as /ui/style.css (CSP: style-src 'self', no inline styles).
// Kept as a module string rather than a file read at run time so Workers bundle it too.
// Colours meet WCAG AA contrast on white; every control is at least 44 px tall on a phone.

export const stylesheet = `
:root {
  --ink: #1b1b1f;
  --muted: #4d4f57;
  --line: #c9ccd4;
  --paper: #ffffff;
  --wash: #f2f4f8;
  --brand: #0b4a8b;
  --brand-dark: #083463;
  --ok: #1f6b33;
  --ok-wash: #e7f4ea;
  --error: #b3261e;
  --error-wash: #fdeceb;
  --focus: #ffbf47;
  font-family: system-ui, -apple-system, "Hiragino Sans", "Hiragino Kaku Gothic ProN",
    "Noto Sans JP", "Yu Gothic UI", Meiryo, "IPAGothic", sans-serif;
  line-height: 1.7;
  color: var(--ink);
  background: var(--wash);
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--brand); text-underline-offset: 0.2em; }
a:hover { color: var(--brand-dark); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; box-shadow: 0 0 0 5px var(--ink); }
.skip { position: absolute; left: -9999px; top: 0; background: var(--paper); padding: 0.5rem 1rem; z-index: 10; }
.skip:focus { left: 0.5rem; top: 0.5rem; }

.site { background: var(--brand); color: #fff; }
.site .bar { max-width: 64rem; margin: 0 auto; padding: 0.6rem 1rem; display: flex; flex-wrap: wrap; gap: 0.4rem 1.2rem; align-items: center; }
.site a { color: #fff; }
.brand { font-weight: 700; text-decoration: none; font-size: 1.05rem; margin-right: auto; }
.site nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0.2rem 1rem; margin: 0; padding: 0; }
.site nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
.site form { margin: 0; }
.site .link-button { color: #fff; }
.lang-switch { border: 1px solid #fff; border-radius: 4px; padding: 0.1rem 0.6rem; text-decoration: none; }

main { max-width: 64rem; margin: 0 auto; padding: 1rem; }
main:focus { outline: none; }
h1 { font-size: 1.6rem; line-height: 1.3; margin: 0.8rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.6rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 0.4rem; }
h4 { font-size: 1rem; margin: 0.8rem 0 0.2rem; }
.lead { font-size: 1.05rem; color: var(--muted); margin-top: 0; }
.muted { color: var(--muted); }
code { overflow-wrap: anywhere; }
.panel { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.2rem; margin: 0 0 1.2rem; }
.panel > h2:first-child, .panel > h3:first-child { margin-top: 0; }
footer { max-width: 64rem; margin: 2rem auto; padding: 0 1rem; color: var(--muted); font-size: 0.9rem; }

.notice { border-left: 6px solid var(--ok); background: var(--ok-wash); padding: 0.8rem 1rem; margin: 0 0 1.2rem; }
.alert { border-left: 6px solid var(--error); background: var(--error-wash); padding: 0.8rem 1rem; margin: 0 0 1.2rem; }
.alert h2 { margin: 0 0 0.4rem; font-size: 1.1rem; }
.alert ul { margin: 0; padding-left: 1.2rem; }

form.stack > * + * { margin-top: 1rem; }
fieldset { border: 1px solid var(--line); border-radius: 8px; padding: 0.8rem 1rem 1rem; margin: 0 0 1.2rem; background: var(--paper); min-width: 0; }
legend { font-weight: 700; padding: 0 0.3rem; }
.field { margin: 0 0 1rem; }
.field:last-child { margin-bottom: 0; }
label, .label { display: block; font-weight: 600; margin-bottom: 0.2rem; }
.hint { display: block; color: var(--muted); font-size: 0.92rem; margin: 0 0 0.3rem; }
.tag { font-size: 0.8rem; font-weight: 600; border-radius: 3px; padding: 0 0.35rem; margin-left: 0.4rem; vertical-align: 0.1em; }
.tag.required { background: var(--error); color: #fff; }
.tag.optional { background: var(--wash); color: var(--muted); border: 1px solid var(--line); }
input[type="text"], input[type="email"], input[type="tel"], input[type="number"], input[type="password"],
input[type="datetime-local"], input[type="url"], input[type="date"], input[type="time"], input[type="search"],
select, textarea {
  font: inherit; width: 100%; max-width: 32rem; min-height: 2.75rem; padding: 0.4rem 0.6rem;
  border: 2px solid var(--ink); border-radius: 4px; background: var(--paper); color: var(--ink);
}
textarea { min-height: 6rem; max-width: 100%; }
input.short { max-width: 12rem; }
.invalid input, .invalid select, .invalid textarea, input[aria-invalid="true"] { border-color: var(--error); }
.field.invalid { border-left: 5px solid var(--error); padding-left: 0.8rem; }
.error { display: block; color: var(--error); font-weight: 700; margin: 0 0 0.3rem; }
.live { display: block; min-height: 1.7em; font-size: 0.95rem; }
.live.ok { color: var(--ok); }
.live.bad { color: var(--error); font-weight: 700; }
.choices { display: grid; gap: 0.3rem 1rem; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); margin: 0; padding: 0; list-style: none; }
.choice { display: flex; gap: 0.5rem; align-items: flex-start; font-weight: 400; min-height: 2.75rem; padding: 0.4rem 0; margin: 0; }
.choice input { width: 1.3rem; height: 1.3rem; margin: 0.25rem 0 0; flex: none; }
.windows { display: grid; gap: 0.8rem; }
fieldset.window { border: 0; border-top: 1px solid var(--line); border-radius: 0; padding: 0.6rem 0 0; margin: 0; }
fieldset.window:first-child { border-top: 0; padding-top: 0; }
fieldset.window legend { padding: 0; font-weight: 700; }
.window-fields { display: grid; grid-template-columns: 1fr; gap: 0 1rem; }
.window-fields .field { margin: 0 0 0.6rem; }
@media (min-width: 40rem) { .window-fields { grid-template-columns: 1fr 1fr; } }

button, .button {
  font: inherit; font-weight: 700; display: inline-block; min-height: 2.75rem; padding: 0.45rem 1.2rem;
  border: 2px solid var(--brand); border-radius: 4px; background: var(--brand); color: #fff; cursor: pointer;
  text-decoration: none; text-align: center;
}
button:hover, .button:hover { background: var(--brand-dark); border-color: var(--brand-dark); color: #fff; }
button.secondary, .button.secondary { background: var(--paper); color: var(--brand); }
button.secondary:hover, .button.secondary:hover { background: var(--wash); color: var(--brand-dark); }
button.danger { background: var(--paper); color: var(--error); border-color: var(--error); }
button.danger:hover { background: var(--error-wash); color: var(--error); }
.link-button { background: none; border: 0; padding: 0; min-height: 0; color: var(--brand); text-decoration: underline; font-weight: 400; cursor: pointer; }
.link-button:hover { background: none; color: inherit; }
.actions { display: flex; flex-wrap: wrap; gap: 0.8rem; align-items: center; margin-top: 1rem; }

.day { margin: 0 0 0.6rem; border-bottom: 1px solid var(--line); padding: 0 0 0.4rem; }
.day summary { cursor: pointer; font-weight: 600; min-height: 2.75rem; display: flex; align-items: center; gap: 0.5rem; }
.day summary small { font-weight: 400; color: var(--muted); }
.slot-group { border: 0; padding: 0; margin: 0 0 0.8rem; }
.slot-group legend { font-weight: 600; padding: 0; margin: 0 0 0.4rem; }
.slot-group legend small { font-weight: 400; }
.sticky-submit { position: sticky; bottom: 0; background: var(--paper); padding: 0.6rem 0; border-top: 1px solid var(--line); }
.slots { display: flex; flex-wrap: wrap; gap: 0.5rem; margin: 0; padding: 0; list-style: none; }
.slot { position: relative; }
.slot input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.slot label { margin: 0; font-weight: 600; border: 2px solid var(--brand); border-radius: 999px; padding: 0.45rem 0.9rem; min-height: 2.75rem; cursor: pointer; background: var(--paper); color: var(--brand); }
.slot input:checked + label { background: var(--brand); color: #fff; }
.slot input:focus-visible + label { outline: 3px solid var(--focus); outline-offset: 2px; box-shadow: 0 0 0 5px var(--ink); }
.slot small { font-weight: 400; }
.slot-buttons { display: flex; flex-wrap: wrap; gap: 0.4rem; margin: 0.4rem 0 0; }
.slot-buttons button { font-weight: 600; padding: 0.3rem 0.8rem; }

dl.facts { display: grid; grid-template-columns: minmax(7rem, max-content) 1fr; gap: 0.3rem 1rem; margin: 0; }
dl.facts dt { font-weight: 700; }
dl.facts dd { margin: 0; }
.badge { display: inline-block; white-space: nowrap; border-radius: 999px; padding: 0 0.6rem; font-size: 0.85rem; font-weight: 700; border: 1px solid currentColor; }
.badge.received { color: #7a4b00; background: #fff4dc; }
.badge.accepted, .badge.scheduled, .badge.confirmed { color: var(--brand); background: #e6effa; }
.badge.completed { color: var(--ok); background: var(--ok-wash); }
.badge.cancelled, .badge.no_show, .badge.declined { color: var(--muted); background: var(--wash); }
.pre-line { white-space: pre-line; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.checks { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.2rem 1rem; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); }
.checks li { display: flex; gap: 0.5rem; align-items: center; min-height: 2.75rem; }
.checks input { width: 1.3rem; height: 1.3rem; margin: 0; flex: none; }
.checks label { margin: 0; font-weight: 400; }
.field.check { display: flex; gap: 0.5rem; align-items: center; }
.field.check input { width: 1.3rem; height: 1.3rem; margin: 0; }
.field.check label { margin: 0; }
fieldset.day-hours, fieldset.override { border: 0; border-top: 1px solid var(--line); border-radius: 0; padding: 0.6rem 0 0; margin: 0 0 0.6rem; }
.inline-form input[type="time"], .inline-form input[type="date"] { width: auto; }
/* Chromium's picker button inside the field takes the focus without the field matching :focus,
   and a rule on ::-webkit-calendar-picker-indicator draws nothing: only :focus-within sees it.
   The field rings then, as when one of its parts has the focus. */
input[type="datetime-local"]:focus-within, input[type="date"]:focus-within, input[type="time"]:focus-within { outline: 3px solid var(--focus); outline-offset: 2px; box-shadow: 0 0 0 5px var(--ink); }
.visit h3 { margin-top: 0; }
.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: 0 1rem; align-items: end; }
.filters .field { margin-bottom: 0.6rem; }
.filters button { margin-bottom: 0.6rem; }
a.button.danger { background: var(--paper); color: var(--error); border-color: var(--error); }

.table-wrap { overflow-x: auto; background: var(--paper); border: 1px solid var(--line); border-radius: 8px; margin: 0 0 1.2rem; }
/* A company's name in the queue keeps to a readable width on a phone (the table scrolls). */
.queue th[scope="row"] { min-width: 9rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
caption { text-align: left; font-weight: 700; padding: 0.6rem 0.8rem 0; }
th, td { text-align: left; padding: 0.5rem 0.8rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--wash); white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:last-child td, tbody tr:last-child th { border-bottom: 0; }

.tabs { display: flex; flex-wrap: wrap; gap: 0.4rem; list-style: none; padding: 0; margin: 0 0 1rem; }
.tabs a { display: inline-block; padding: 0.4rem 0.9rem; border: 2px solid var(--brand); border-radius: 999px; text-decoration: none; font-weight: 600; }
.tabs a[aria-current="page"] { background: var(--brand); color: #fff; }

.matches { list-style: none; padding: 0; margin: 0; }
.match { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 0.8rem 1rem; margin: 0 0 1rem; }
.match h3 { margin: 0; }
.score { font-size: 1.4rem; font-weight: 700; color: var(--brand); }
.reasons { margin: 0.3rem 0; padding-left: 1.2rem; }

.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: 0.8rem; margin: 0 0 1.2rem; padding: 0; list-style: none; }
.stat { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 0.7rem 1rem; }
.stat strong { display: block; font-size: 1.7rem; line-height: 1.2; }
.chart { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 0.8rem; margin: 0 0 1.2rem; overflow-x: auto; }
.chart svg { display: block; width: 100%; max-width: 48rem; height: auto; margin: 0 auto; }
/* The month chart keeps its text legible: on a phone it scrolls sideways (its cue below says so). */
.chart.bars svg { min-width: 34rem; }
.scroll-hint { display: none; color: var(--muted); font-size: 0.9rem; text-align: center; margin: 0 0 1.2rem; }
@media (max-width: 40rem) { .chart.bars { margin-bottom: 0.3rem; } .scroll-hint { display: block; } }
.report th[scope="row"] { white-space: nowrap; }
.breakdowns { display: grid; grid-template-columns: repeat(auto-fill, minmax(20rem, 1fr)); gap: 0 1.2rem; align-items: start; }
.chart .bar { fill: var(--brand); }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.chart .axis { stroke: var(--ink); stroke-width: 1.5; }
.chart text { fill: var(--ink); font-size: 14px; }
.chart .value { font-weight: 700; }
.radar { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 0.8rem; margin: 0 0 1.2rem; display: grid; gap: 0.8rem 1.2rem; align-items: start; }
@media (min-width: 48rem) { .radar { grid-template-columns: minmax(0, 26rem) minmax(0, 1fr); } }
.radar svg.plot { display: block; width: 100%; height: auto; }
.radar .ring, .radar .spoke { fill: none; stroke: var(--line); stroke-width: 1; }
.radar text { fill: var(--ink); font-size: 17px; }
.radar text.tick { fill: var(--muted); font-size: 13px; }
.radar .phase { stroke-width: 2.5; stroke-linejoin: round; }
.radar .phase.before { fill: none; stroke: var(--muted); stroke-dasharray: 7 5; }
.radar .phase.after { fill: rgba(11, 74, 139, 0.15); stroke: var(--brand); }
.radar .marker.before { fill: var(--paper); stroke: var(--muted); stroke-width: 2; }
.radar .marker.after { fill: var(--brand); stroke: var(--paper); stroke-width: 1; }
.radar-legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1.2rem; list-style: none; margin: 0.4rem 0 0; padding: 0; }
.radar-legend li { display: flex; align-items: center; gap: 0.4rem; }
.radar-legend .swatch { width: 2.5rem; height: 0.9rem; flex: none; }
.radar .table-wrap { margin: 0; border: 0; }
.radar thead th { white-space: normal; }
.radar td .level { display: block; font-size: 0.8rem; color: var(--muted); }
.radar tr.total th, .radar tr.total td { font-weight: 700; border-top: 2px solid var(--line); }
.radar-key { color: var(--muted); font-size: 0.9rem; margin: 0.4rem 0.8rem 0; }
.inline-form { display: flex; flex-wrap: wrap; gap: 0.6rem; align-items: flex-end; }
.inline-form .field { margin: 0; }
.downloads { display: flex; flex-wrap: wrap; gap: 0.4rem 1.2rem; list-style: none; padding: 0; margin: 0; }
.token-box { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; word-break: break-all; background: var(--wash); border: 1px dashed var(--line); padding: 0.6rem; border-radius: 4px; }
@media (max-width: 30rem) { h1 { font-size: 1.35rem; } main { padding: 0.75rem; } }
input[type="date"] { font: inherit; min-height: 2.75rem; padding: 0.4rem 0.6rem; border: 2px solid var(--ink); border-radius: 4px; background: var(--paper); color: var(--ink); }
`;
