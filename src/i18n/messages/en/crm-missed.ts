/** Messages in English (ICU message syntax; see ../index.ts): issue 17's missed part. */
export default {} as const;
