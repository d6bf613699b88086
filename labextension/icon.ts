import { LabIcon } from '@jupyterlab/ui-components';

/** OptiServe's sidebar icon: a gauge over a server rack, drawn with the theme's icon colour. */
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161">
    <path d="M12 3a9 9 0 0 0-9 9h2.2a6.8 6.8 0 0 1 13.6 0H21a9 9 0 0 0-9-9z"/>
    <path d="M12.9 12.6 16.8 7l-5.5 4a1.1 1.1 0 1 0 1.6 1.6z"/>
    <rect x="3" y="15" width="18" height="3" rx="1"/>
    <rect x="3" y="19.5" width="18" height="3" rx="1"/>
  </g>
</svg>`;

export const optiserveIcon = new LabIcon({ name: 'jupyter-optiserve:icon', svgstr: svg });
