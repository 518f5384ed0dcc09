/**
 * Release governance: immutability rules that freeze release tags, legal holds that keep a tag or manifest from
 * deletion. The registry asks {@link io.stowage.registry.ReleaseProtection} before it moves or deletes anything;
 * {@link io.stowage.governance.ReleaseGuard} answers from the rules and holds kept here.
 */
package io.stowage.governance;
