/** How a narrated sentence reads at a glance: its colour and icon in the event log. */
export type Tone = 'info' | 'good' | 'warn' | 'bad';
