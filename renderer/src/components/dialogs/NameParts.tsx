/** The image name drawn part by part under the Tag dialog's full name (see name-parts.ts). */
import { nameParts, type NamePartsInput } from './name-parts';

export function NameParts(input: NamePartsInput) {
  const { parts, destination } = nameParts(input);
  return (
    <figure className="name-parts" aria-labelledby="name-parts-caption">
      <figcaption id="name-parts-caption" className="full-name-label">
        The parts of the name
      </figcaption>
      <ol className="name-parts-list">
        {parts.map((part, index) => (
          <li key={part.kind} className={`name-part name-part-${part.kind}${part.implied ? ' implied' : ''}`}>
            {index > 0 && (
              <span className="name-part-separator mono" aria-hidden="true">
                {part.kind === 'tag' ? ':' : '/'}
              </span>
            )}
            <span className="name-part-box">
              <span className="mono name-part-text">{part.text}</span>
              <span className="name-part-label">{part.label}</span>
            </span>
          </li>
        ))}
      </ol>
      <p className="field-help">{destination}</p>
    </figure>
  );
}
