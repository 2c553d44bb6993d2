interface ChoiceFilterProps<T extends string> {
  id: string;
  label: string;
  choices: readonly T[];
  /** '' means no filter ("Any"). */
  value: T | '';
  onChange: (value: T | '') => void;
}

/** A labelled "Any or one of these" select, as the list filters use it. */
export function ChoiceFilter<T extends string>({
  id,
  label,
  choices,
  value,
  onChange,
}: ChoiceFilterProps<T>) {
  return (
    <div className="field inline">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T | '')}>
        <option value="">Any</option>
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
    </div>
  );
}
