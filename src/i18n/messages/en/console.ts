/** The console's messages in English (ICU message syntax; see ../index.ts). */
export default {
  'console.chart.todayCalls': '{count, plural, one {Today: # call} other {Today: # calls}}',
} as const;
