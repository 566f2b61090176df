/** The widget's messages in English (ICU message syntax; see ../index.ts). */
export default {
} as const;
