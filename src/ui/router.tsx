/**
 * A small history router: real URLs (`/records/contact/42`), so links can be opened in a new tab
 * and the back button works; the service answers every non-API path with the console's page.
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'board' }
  | { page: 'records'; q: string }
  | { page: 'record'; type: 'contact' | 'account' | 'lead'; id: string }
  | { page: 'missed' }
  | { page: 'reports' }
  | { page: 'admin-users' }
  | { page: 'admin-pbx' }
  | { page: 'not-found' };

export function parseRoute(pathname: string, search: string): Route {
  const parts = pathname.split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  const [first, second, third] = parts;
  if (parts.length === 0) return { page: 'board' };
  if (first === 'records' && parts.length === 1) return { page: 'records', q: new URLSearchParams(search).get('q') ?? '' };
  if (first === 'records' && parts.length === 3 && (second === 'contact' || second === 'account' || second === 'lead')) return { page: 'record', type: second, id: third! };
  if (first === 'missed' && parts.length === 1) return { page: 'missed' };
  if (first === 'reports' && parts.length === 1) return { page: 'reports' };
  if (first === 'admin' && second === 'users' && parts.length === 2) return { page: 'admin-users' };
  if (first === 'admin' && second === 'pbx' && parts.length === 2) return { page: 'admin-pbx' };
  return { page: 'not-found' };
}

export function recordPath(type: 'contact' | 'account' | 'lead', id: string): string {
  return `/records/${type}/${encodeURIComponent(id)}`;
}

const listeners = new Set<() => void>();

export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  for (const l of listeners) l();
  // A new page: start reading at its top, as a full page load would.
  if (!options.replace) window.scrollTo(0, 0);
}

export function useRoute(): Route {
  const read = (): Route => parseRoute(location.pathname, location.search);
  const [route, setRoute] = useState<Route>(read);
  useEffect(() => {
    const update = (): void => setRoute(read());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** An ordinary link (keyboard, middle-click, "open in new tab" all work) that navigates in place. */
export function Link(props: { href: string; class?: string; children: ComponentChildren; 'aria-current'?: 'page' | undefined; 'aria-label'?: string }): JSX.Element {
  const onClick = (e: MouseEvent): void => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(props.href);
  };
  return (
    <a href={props.href} class={props.class} onClick={onClick} aria-current={props['aria-current']} aria-label={props['aria-label']}>
      {props.children}
    </a>
  );
}
