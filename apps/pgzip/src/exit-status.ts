/** Exit statuses, as gzip's manual gives them. */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_WARNING = 2;
