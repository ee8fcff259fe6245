-- The VPS sshd's host public key ("type base64", no comment), which the bastion checks before it sends
-- anything in plain mode: reported by the runner for a VPS on a runner; for an external VPS given at
-- `ferry vps add --host-key`, or recorded at the bastion's first contact. NULL while unknown.
ALTER TABLE vps ADD COLUMN host_key VARCHAR(4096);
