// An entity's properties as key / value rows; non-string values as indented JSON text.
import type { Props } from '../../shared/model';
import { formatValue } from '../model/format';

export function PropsTable({ props }: { props: Props }) {
  const entries = Object.entries(props).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <p className="muted">No properties.</p>;
  return (
    <table className="kv-table">
      <tbody>
        {entries.map(([key, value]) => {
          const { text, multiline } = formatValue(value);
          return (
            <tr key={key}>
              <th scope="row">{key}</th>
              <td>{multiline ? <pre className="value-pre">{text}</pre> : text}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
