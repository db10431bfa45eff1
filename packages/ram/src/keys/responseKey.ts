/**
 * Longest response key accepted: longer request targets are not worth a cache slot (and are likely
 * abuse). Response keys must also be non-empty and must not start with NUL, which is how value-cache
 * keys start: the two key spaces share one store and can never collide. The lookup checks only the
 * first character, which keeps its hit path O(1).
 */
export const MAX_RESPONSE_KEY_LENGTH = 16_384;
