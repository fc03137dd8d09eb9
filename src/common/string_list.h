/* A growing array of malloc'ed strings that owns them: the lists of names
   and paths the installer and its scan of the host's runtime state
   collect.  */
#ifndef OCI_SANDBOX_HOOK_STRING_LIST_H
#define OCI_SANDBOX_HOOK_STRING_LIST_H

#include <stddef.h>

typedef struct string_list
{
  char **items;
  size_t n;
} string_list;

/* Append S (malloc'ed; the list owns it from now on, and frees it on
   failure).  A NULL S (a failed strdup) fails too.  Returns 0, or -1
   with errno ENOMEM.  */
int string_list_take (string_list *l, char *s);

/* Free every string and the array; the list is empty again.  */
void string_list_clear (string_list *l);
#define cleanup_string_list __attribute__ ((cleanup (string_list_clear)))

#endif
