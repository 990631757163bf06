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

const ARROW_PATHS = {
  up: 'M8 13V3M4 7l4-4 4 4',
  down: 'M8 3v10M4 9l4 4 4-4',
  right: 'M3 8h10M9 4l4 4-4 4',
} as const;

/** An arrow: which way a transfer goes (a push up, a pull down, a copy across). */
export function ArrowIcon({ direction }: { direction: keyof typeof ARROW_PATHS }) {
  return (
    <svg {...common} data-icon={`arrow-${direction}`}>
      <path
        d={ARROW_PATHS[direction]}
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinecap="round"
        strokeLinejoin="round"
        fill="none"
      />
    </svg>
  );
}

/** An anchor: Berth's mark. */
export function AnchorIcon() {
  return (
    <svg {...common} data-icon="anchor">
      <g stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" fill="none">
        <circle cx="8" cy="3.2" r="1.6" />
        <path d="M8 4.8V14.5M5.2 7.2h5.6M2.8 9.5c0.6 2.8 2.7 5 5.2 5s4.6-2.2 5.2-5" />
      </g>
    </svg>
  );
}
