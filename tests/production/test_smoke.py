def test_topology_serves(topology):
    for index in range(2):
        status, body = topology.get(index, "/healthz")
        assert status == 200, body
    assert topology.sql("SELECT current_user, version()")[0][0] == "ulm"
