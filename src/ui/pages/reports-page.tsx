/** Placeholder: the reports page (issue 17, part 3) is being written in this same change. */
import type { JSX } from 'preact';

export function ReportsPage(): JSX.Element {
  return <div class="page" />;
}
