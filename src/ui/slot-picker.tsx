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
 * Slots grouped by Japan day, one radio group over all of them (arrow keys move through the
 * times, Space picks, Tab reaches the button): a plain form, no script needed.
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
    <form method="post" action={action}>
      {Object.entries(hidden).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      {byDay(slots, (s) => s.start).map(([day, daySlots], d) => (
        <fieldset class="day">
          <legend>{formatDay(t, day)}</legend>
          <ul class="slots">
            {daySlots.map((slot, i) => {
              const id = `${idPrefix}-${d}-${i}`;
              return (
                <li class="slot">
                  <input type="radio" name="slot" id={id} value={slotValue(slot)} required />
                  <label for={id}>
                    {`${formatTime(slot.start)}–${formatTime(slot.end)} `}
                    <small>{`${t.formats[slot.format]}・${slot.expert.name}`}</small>
                  </label>
                </li>
              );
            })}
          </ul>
        </fieldset>
      ))}
      <button type="submit">{submitLabel}</button>
    </form>
  );
}
