-- The sync's state store lives beside Temporal's databases on the same server.
CREATE DATABASE shopsync;
