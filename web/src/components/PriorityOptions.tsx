/** The options of a priority select: 1 (highest) to 5 (lowest). */
export function PriorityOptions() {
  return (
    <>
      {[1, 2, 3, 4, 5].map((p) => (
        <option key={p} value={p}>
          {p}
        </option>
      ))}
    </>
  );
}
