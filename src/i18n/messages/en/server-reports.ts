/** Messages in English (ICU message syntax; see ../index.ts): issue 17's reports part. */
export default {} as const;
