package dev.lanyard.session.servlet;

import dev.lanyard.session.servlet.SessionFilterContract.Deployment;
import dev.lanyard.session.servlet.SessionFilterContract.Running;

/** {@link BootOrderContract} on Tomcat (failsafe runs it on Tomcat 11 and on Tomcat 10.1). */
class TomcatBootOrderIT extends BootOrderContract {

    @Override
    protected Running start(Deployment deployment) throws Exception {
        return new TomcatIT().start(deployment);
    }
}
