import { h } from 'preact';
import htm from 'htm';

/** Tagged templates in place of JSX: no build step beyond bundling. */
export const html = htm.bind(h);
