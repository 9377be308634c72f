import { byDay, formatDay, formatTime } from './format.ts';
import type { Strings } from './i18n/strings.ts';

export type Slot = {
  start: string;
  end: string;
  format: 'onsite' | 'online';
  expert: { id: string; name: string; affiliation: string };
};

/** The value a chosen slot posts: its expert and start. */
export const slotValue = (slot: Pick<Slot, 'start'> & { expert: { id: string } }) =>
  `${slot.expert.id} ${slot.start}`;

export function parseSlot(value: string): { expertId: string; start: string } {
  const [expertId = '', start = ''] = value.split(' ');
  return { expertId, start };
}

type SlotPickerProps = {
  t: Strings;
  action: string;
  slots: Slot[];
  submitLabel: string;
  /** Hidden fields posted with the choice. */
  hidden?: Record<string, string>;
  /** Namespaces the radio ids when a page has two pickers. */
  idPrefix: string;
};

/**
 * Slots by Japan day, each day folded but the first (a phone shows a short list of days, not
 * a page of times), and within a day by expert, who is named once. One radio group over all
 * of them (arrow keys move through the times, Space picks); the button stays in view at the
 * bottom of the screen while the list scrolls. A plain form, no script needed.
 */
export function SlotPicker({
  t,
  action,
  slots,
  submitLabel,
  hidden = {},
  idPrefix,
}: SlotPickerProps) {
  return (
    <form method="post" action={action} class="slot-picker">
      {Object.entries(hidden).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      {byDay(slots, (s) => s.start).map(([day, daySlots], d) => (
        <details class="day" open={d === 0}>
          <summary>
            {formatDay(t, day)} <small>{t.slotCount(daySlots.length)}</small>
          </summary>
          {byExpert(daySlots).map((group, g) => (
            <fieldset class="slot-group">
              <legend>
                {t.slotWith(group[0].expert.name)}
                <small>{` ${t.formats[group[0].format]}`}</small>
              </legend>
              <ul class="slots">
                {group.map((slot, i) => {
                  const id = `${idPrefix}-${d}-${g}-${i}`;
                  return (
                    <li class="slot">
                      <input type="radio" name="slot" id={id} value={slotValue(slot)} required />
                      <label for={id}>{`${formatTime(slot.start)}–${formatTime(slot.end)}`}</label>
                    </li>
                  );
                })}
              </ul>
            </fieldset>
          ))}
        </details>
      ))}
      <div class="sticky-submit">
        <button type="submit">{submitLabel}</button>
      </div>
    </form>
  );
}

/** A day's slots by expert and format, in order of each group's first time. */
function byExpert(slots: Slot[]): [Slot, ...Slot[]][] {
  const groups = new Map<string, [Slot, ...Slot[]]>();
  for (const slot of slots) {
    const key = `${slot.expert.id} ${slot.format}`;
    const group = groups.get(key);
    if (group) group.push(slot);
    else groups.set(key, [slot]);
  }
  return [...groups.values()];
}
