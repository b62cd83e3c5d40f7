/* sd.h - the two pieces of the systemd protocol evald speaks, without
 * libsystemd: readiness notification and socket activation. */
#ifndef EVALD_SD_H
#define EVALD_SD_H

/* Send a state string ("READY=1", "STOPPING=1", "STATUS=...") to
 * $NOTIFY_SOCKET; a no-op outside systemd.  Returns 0 or -1. */
int sd_notify_msg(const char *state);

/* The listening socket passed by systemd (LISTEN_FDS/LISTEN_PID), or -1
 * when none was passed.  Clears the variables so children don't see them. */
int sd_listen_fd(void);

#endif
