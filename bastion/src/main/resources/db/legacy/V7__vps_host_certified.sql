-- Whether the VPS's sshd serves the host certificate the Host issues for it now (its runner says which one it
-- installed): until then a client that checks host certificates (ferry known-hosts, StrictHostKeyChecking
-- yes) refuses it, so `ferry vps create --wait` waits for it too. A new host key clears it.
ALTER TABLE vps ADD COLUMN host_certified BOOLEAN DEFAULT FALSE NOT NULL;
