package io.stowage.outage;

/** The LDAP directory cannot be reached or answered nothing in time: its users cannot sign in now (503). */
public class DirectoryUnavailableException extends RuntimeException {

    public DirectoryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
