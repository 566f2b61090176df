// The widget runs in SuiteCRM's pages: it needs the DOM's types. (Until the widget has its own
// tsconfig, this also lends them to the root program's type check; src/ has no other DOM code.)
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
