/**
 * Icons drawn as SVG, never typed as characters: a glyph one platform's font lacks shows as a box
 * (the "+" of "Add registry…" did). Each takes the text's colour and size; decorative, so hidden
 * from assistive technology (the button's text names it).
 */
const common = {
  width: '1em',
  height: '1em',
  viewBox: '0 0 16 16',
  'aria-hidden': true,
  focusable: false,
  className: 'icon',
} as const;

/** A plus: add something. */
export function PlusIcon() {
  return (
    <svg {...common} data-icon="plus">
      <path d="M8 3v10M3 8h10" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" fill="none" />
    </svg>
  );
}

/** A tick: a step done. */
export function CheckIcon() {
  return (
    <svg {...common} data-icon="check">
      <path
        d="M3.5 8.5l3 3 6-7"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
        fill="none"
      />
    </svg>
  );
}
